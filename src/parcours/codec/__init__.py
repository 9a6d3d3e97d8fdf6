"""The codec server for the Temporal web UI (`parcours codec-server`, and `make run`).

The engine stores every payload encrypted, so its web UI shows only sealed blobs. The
codec server opens them for the UI, and for the `temporal` CLI, on Temporal's
codec-server protocol: only for a request that proves a staff member's identity
(`app/staff_access.py`), with a person's identity masked for auditors, and each decode
logged in the read log as a read (`service.py`). `http.py` is the HTTP side, `signin.py`
the page where a browser signs in, `payloads.py` what is opened and masked, `run.py`
how it starts.
"""
