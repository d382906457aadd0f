"""Reading the safetensors files recombine writes (``final.safetensors``) into NumPy arrays."""

from __future__ import annotations

import json
import os
import struct
from typing import Dict, Tuple

import numpy as np

_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U8": "u1", "BOOL": "?",
}


def read_safetensors(path: str | os.PathLike) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Read every tensor and the metadata of a safetensors file.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    tensors : dict of str to numpy.ndarray
        The tensors by name, in the file's dtypes.
    metadata : dict of str to str
        The file's ``__metadata__`` (empty when it has none).

    Raises
    ------
    ValueError
        When the file is not a well-formed safetensors file; the message names the file.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file ({len(data)} bytes)")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        raise ValueError(f"{path}: its header claims {header_length} bytes, but the file holds {len(data) - 8}")
    try:
        header = json.loads(data[8 : 8 + header_length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: the header is not JSON ({error})") from None
    metadata = header.pop("__metadata__", None) or {}
    payload = memoryview(data)[8 + header_length :]
    tensors = {}
    for name, entry in header.items():
        dtype = _DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry.get('dtype')!r}, which this reader does not know")
        start, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        if not 0 <= start <= end <= len(payload) or end - start != count * np.dtype(dtype).itemsize:
            raise ValueError(f"{path}: tensor '{name}' ({entry['dtype']} {list(shape)}) does not fit its offsets {start}..{end}")
        tensors[name] = np.frombuffer(payload[start:end], dtype=dtype).reshape(shape).copy()
    return tensors, metadata
