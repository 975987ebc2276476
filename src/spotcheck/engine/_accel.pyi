from typing_extensions import Buffer

OPENSSL_VERSION: str
LOWLEVEL_SHA256: int
API_VERSION: int

def ticket_prefixes(
    algo: str, prefix: bytes, ids: Buffer, width: int, lo: int, hi: int, out: Buffer, /
) -> None: ...
def pool_block_roots(
    algo: str,
    ids: Buffer,
    width: int,
    strata: Buffer,
    names: tuple[bytes, ...],
    weights: Buffer,
    excl_pos: Buffer,
    excl_reasons: tuple[bytes, ...],
    lo: int,
    hi: int,
    block_bits: int,
    /,
) -> bytes: ...
def merkle_reduce(algo: str, nodes: Buffer, size: int, /) -> bytes: ...
def conflict_block_roots(
    algo: str,
    salt_prefix: bytes,
    ids: Buffer,
    width: int,
    ovr_pos: Buffer,
    ovr_hashes: bytes,
    lo: int,
    hi: int,
    block_bits: int,
    /,
) -> bytes: ...
def merkle_levels(algo: str, nodes: Buffer, size: int, /) -> bytes: ...
def pool_lines(
    ids: Buffer,
    width: int,
    strata: Buffer,
    names: tuple[bytes, ...],
    weights: Buffer,
    excl_pos: Buffer,
    excl_reasons: tuple[bytes, ...],
    lo: int,
    hi: int,
    /,
) -> bytes: ...
