"""The draw engine: exact inclusion probabilities, verifiable draws, teams, estimates.

Pure Python + numpy. No Django and no other spotcheck package may be imported here (an
import-linter contract enforces it), so a published proof can be checked with this package
alone. The protocol is specified in docs/draw-protocol.md.
"""

ENGINE_VERSION = "1.0.0"
