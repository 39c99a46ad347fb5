"""Loopback simulators of the TikTok Shop Partner API and the SHOPLINE Admin API.

In-process::

    from sandbox.runner import start_sandbox

    sandbox = await start_sandbox(seed=1, size="small")   # binds free loopback ports
    sandbox.tiktok_api_url          # instead of https://open-api.tiktokglobalshop.com
    sandbox.tiktok_auth_url         # instead of https://auth.tiktok-shops.com
    sandbox.shopline_url_template   # "http://127.0.0.1:PORT/stores/{handle}" instead of https://{handle}.myshopline.com
    sandbox.credentials             # app keys and secrets of both partners, TikTok service id, store handle
    sandbox.control                 # SandboxControl: seed shops, grant authorization, faults, clock, webhooks
    await sandbox.close()

Standalone: `sandbox.runner.main(argv)` (what `mcc sandbox` runs). Out of process, every port also
answers `POST /_sandbox/{operation}` with the control operation's keyword arguments as JSON.
"""
