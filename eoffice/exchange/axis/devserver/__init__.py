"""A development axis server speaking the VXP and LGSP dialects (`manage.py axis_server`).

The real axes cannot be reached from development machines, so the adapters are tested against this
server over real HTTP. It keeps its own state in a SQLite file (systems, agencies, packages per
receiving agency code, tokens), checks authentication the way the axes do, routes packages by the
organ ids inside the edXML, and answers with the axes' JSON shapes and error codes. It imports
nothing from Django's ORM: it is a stand-alone process, like the axis it stands in for.
"""
