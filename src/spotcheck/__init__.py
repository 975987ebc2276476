"""spotcheck: 双随机、一公开 spot-check supervision with verifiable draws."""

__version__ = "0.1.0"
