"""Two real eOffice installations on loopback, for the exchange integration tests and bench/exchange.py.

Nothing here is used by a running installation. The pieces:

- `databases`: one throw-away database per installation (a SQLite file, or a PostgreSQL database
  `eo_e2_<label>_<pid>` created and dropped on the server that DATABASE_URL names);
- `installation`: one installation = its own var directory (media, Huey SQLite storage, secret key),
  its database, a gunicorn server and a Huey consumer as real child processes, and an `agent`
  process that runs Python inside the installation (seed, release, count) over a JSON-lines pipe;
- `proxy`: a fault-injecting HTTP proxy put between the installations (pass, stop, slow, 500,
  cut mid-body, duplicate);
- `wsgi`: the WSGI application the harness serves — the project's own, plus an echo endpoint used
  as the "plain HTTP POST" baseline of the benchmark.
"""
