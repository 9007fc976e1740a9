"""Benchmark: signing throughput, in documents per second, with PKCS#12 and with SoftHSM2.

    python bench/signing.py [--quick] [--documents N] [--out FILE.json]

No database: signing works on PDF bytes. Builds a throwaway CA with `cryptography`, a SoftHSM2
token in a temp directory (SOFTHSM2_CONF) holding the leader's key, and a one-page A4 decision.
For each key holder it times, per document, the Decree 30 path of eoffice.signing.pades:
prepare the fields, the leader's certification signature with the blue signature image, then the
clerk's number + date fill and organisation signature with the seal (one revision). The
organisation key is a PKCS#12 file in the first run and a second SoftHSM2 token in the second.
Then it validates every signed document. Checks: every signature validates (bottom line True)
and both key holders ran; the throughput targets are reported, not checked (shared machines).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import p95, report


def _time_path(
    documents: int, leader: Any, org: Any, pdf: bytes
) -> tuple[list[float], list[float], list[bytes]]:
    from eoffice.signing import pades
    from eoffice.signing.tests.pki import seal_png, signature_png

    blue, red = signature_png(), seal_png()
    leader_times, org_times, outputs = [], [], []
    for index in range(documents):
        started = time.perf_counter()
        prepared = pades.prepare_for_signing(pdf)
        signed = pades.sign_personal(prepared, signer=leader, signature_image=blue)
        middle = time.perf_counter()
        final = pades.sign_organisation(
            signed,
            signer=org,
            seal_image=red,
            number_text=f"Số: {index + 1:02d}/QĐ-SNV",
            date_text="Thử Nghiệm, ngày 25 tháng 11 năm 2026",
        )
        ended = time.perf_counter()
        leader_times.append(middle - started)
        org_times.append(ended - middle)
        outputs.append(final)
    return leader_times, org_times, outputs


def _figures(leader: list[float], org: list[float]) -> dict[str, float]:
    total = [a + b for a, b in zip(leader, org, strict=True)]
    return {
        "leader_docs_per_s": round(len(leader) / sum(leader), 2),
        "org_docs_per_s": round(len(org) / sum(org), 2),
        "docs_per_s": round(len(total) / sum(total), 2),
        "leader_ms_p50": round(statistics.median(leader) * 1000, 1),
        "org_ms_p50": round(statistics.median(org) * 1000, 1),
        "path_ms_p95": round(p95(total) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 documents per key holder")
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    documents = 5 if args.quick else args.documents
    workdir = Path(tempfile.mkdtemp(prefix="eoffice-bench-signing-"))

    from eoffice.signing.tests import hsm
    from eoffice.signing.tests.pki import PFX_PASSWORD, build_pki, sample_pdf

    pki = build_pki()
    os.environ["EOFFICE_TRUST_STORE"] = str(pki.write_trust_store(workdir))
    import django

    django.setup()
    from eoffice.signing.signers import Pkcs11Signer, Pkcs12Signer
    from eoffice.signing.validation import validate_pdf

    pdf = sample_pdf()
    figures: dict[str, Any] = {"documents": documents}
    checks: dict[str, bool] = {}
    notes: list[str] = []
    org_p12 = Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD)
    leader_p12 = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    runs: dict[str, tuple[Any, Any]] = {"pkcs12": (leader_p12, org_p12)}
    tokens: list[Any] = []
    if hsm.available():
        # Every token first: SoftHSM lists slots once, when the first session initialises it.
        made = [
            hsm.make_token(f"{label}-{os.getpid()}", who)
            for label, who in (("l", pki.leader), ("o", pki.org))
        ]
        for token in made:
            tokens.append(
                Pkcs11Signer(
                    module_path=token.module,
                    token_label=token.label,
                    pin=token.pin,
                    key_label=token.key_label,
                )
            )
        runs["softhsm"] = (tokens[0], tokens[1])
    else:
        notes.append("softhsm2/opensc not installed: the PKCS#11 run was skipped")
    all_outputs: list[bytes] = []
    for name, (leader, org) in runs.items():
        _time_path(1, leader, org, pdf)  # warm-up: font rescaling and subsetting caches
        leader_times, org_times, outputs = _time_path(documents, leader, org, pdf)
        figures[name] = _figures(leader_times, org_times)
        all_outputs.extend(outputs)
    for token in tokens:
        token.close()

    started = time.perf_counter()
    results = [validate_pdf(data) for data in all_outputs]
    elapsed = time.perf_counter() - started
    figures["validate_docs_per_s"] = round(len(results) / elapsed, 2)
    checks["every signature validates"] = all(r.all_valid and len(r.signatures) == 2 for r in results)
    checks["both key holders ran"] = set(runs) == {"pkcs12", "softhsm"}
    targets = {"pkcs12.docs_per_s": [">=", 2], "softhsm.docs_per_s": [">=", 2]}
    return report("Signing throughput (Decree 30 path)", figures, targets, checks, args.out, notes=notes)


if __name__ == "__main__":
    sys.exit(main())
