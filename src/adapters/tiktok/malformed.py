"""The one error of TikTok JSON mapping: a payload without the shape we rely on."""


class MalformedResponse(ValueError):
    pass
