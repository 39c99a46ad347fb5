"""The SHOPLINE installation callback, as the sandbox store hands it over, turned into the request."""

from __future__ import annotations

from collections.abc import Mapping

from multichannel.v1 import app_pb2


def completion_request(callback: Mapping[str, str]) -> app_pb2.CompleteInstallationRequest:
    """``callback`` is the redirect's query parameters (``install_shopline``'s ``params``)."""
    return app_pb2.CompleteInstallationRequest(
        app_key=callback["appkey"],
        code=callback["code"],
        handle=callback["handle"],
        timestamp=callback["timestamp"],
        sign=callback["sign"],
        state=callback["customField"],
    )
