"""Test and demo control of both simulators.

`SandboxControl` is the in-process API. The same operations are served over HTTP on every
simulator port as `POST /_sandbox/{operation}` with the keyword arguments as a JSON object
(answer `{"result": ...}`), and `GET /_sandbox/state` for a summary, for out-of-process use.

The operations are grouped by partner (``tiktok_operations``, ``shopline_operations``) and by the
conditions both run under (``conditions``); ``routes`` serves them over HTTP.
"""

from sandbox.control.facade import SandboxControl
from sandbox.control.routes import HTTP_OPERATIONS, control_routes

__all__ = ["HTTP_OPERATIONS", "SandboxControl", "control_routes"]
