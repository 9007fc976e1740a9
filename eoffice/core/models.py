from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One append-only entry of the installation's audit trail, hash-chained to the previous one.

    Actor and target are stored by id *and* by label so the trail stays readable after renames
    and never blocks a delete elsewhere; the chain is what proves it was not edited.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=255, blank=True)
    on_behalf_of_id = models.BigIntegerField(null=True, blank=True)
    on_behalf_of_name = models.CharField(max_length=255, blank=True)
    position_id = models.BigIntegerField(null=True, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    verb = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=500, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """The single row that serialises appends: locked, read, advanced in the writer's transaction."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
