"""TensorFlow tensor-bundle checkpoints (name.index + name.data-00000-of-00001) without TensorFlow.

Written from the format's definition (tensorflow/core/util/tensor_bundle, LevelDB's table format
and tensor_bundle.proto) so that dropgrid's Java reader is checked against an independent
implementation. Supports what BERT checkpoints use: one shard, uncompressed blocks, float32 (and
int64 scalars such as global_step).
"""
import os
import struct

import numpy as np

TABLE_MAGIC = 0xDB4775248B80FB57
MASK_DELTA = 0xA282EAD8
DT_FLOAT, DT_INT64, DT_HALF, DT_BFLOAT16 = 1, 9, 19, 14
DTYPES = {DT_FLOAT: np.dtype("<f4"), DT_INT64: np.dtype("<i8"), DT_HALF: np.dtype("<f2")}


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc32c(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + MASK_DELTA) & 0xFFFFFFFF


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


# ---- writing ------------------------------------------------------------------------------------

def _entry_proto(dtype, shape, offset, size, crc):
    dims = b"".join(b"\x12" + varint(len(d)) + d for d in (b"\x08" + varint(s) for s in shape))
    out = b"\x08" + varint(dtype) + b"\x12" + varint(len(dims)) + dims
    if offset:
        out += b"\x20" + varint(offset)
    out += b"\x28" + varint(size) + b"\x35" + struct.pack("<I", crc)
    return out


def _block(items, restart_interval):
    out, restarts, last = bytearray(), [], b""
    for i, (key, value) in enumerate(items):
        shared = 0
        if i % restart_interval == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(key), len(last)) and key[shared] == last[shared]:
                shared += 1
        out += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        last = key
    if not restarts:
        restarts = [0]
    for r in restarts:
        out += struct.pack("<I", r)
    out += struct.pack("<I", len(restarts))
    return bytes(out)


def _write_block(f, contents):
    offset = f.tell()
    f.write(contents)
    f.write(b"\x00" + struct.pack("<I", masked_crc32c(contents + b"\x00")))
    return varint(offset) + varint(len(contents))


def write(prefix, tensors, entries_per_block=12, restart_interval=4):
    """tensors: {name: numpy array}; writes prefix.index and prefix.data-00000-of-00001."""
    items = []
    with open(prefix + ".data-00000-of-00001", "wb") as data:
        for name in sorted(tensors, key=lambda n: n.encode()):
            array = np.ascontiguousarray(tensors[name])
            dtype = {np.dtype("float32"): DT_FLOAT, np.dtype("int64"): DT_INT64,
                     np.dtype("float16"): DT_HALF}[array.dtype]
            raw = array.astype(DTYPES[dtype]).tobytes()
            offset = data.tell()
            data.write(raw)
            items.append((name.encode(), _entry_proto(dtype, array.shape, offset, len(raw), masked_crc32c(raw))))
    header = (b"", b"\x08\x01" + b"\x1a\x02\x08\x01")  # num_shards 1, version {producer 1}
    items.insert(0, header)
    with open(prefix + ".index", "wb") as f:
        index = []
        for start in range(0, len(items), entries_per_block):
            chunk = items[start:start + entries_per_block]
            index.append((chunk[-1][0], _write_block(f, _block(chunk, restart_interval))))
        meta = _write_block(f, _block([], restart_interval))
        index_handle = _write_block(f, _block(index, 1))
        footer = (meta + index_handle).ljust(40, b"\x00") + struct.pack("<Q", TABLE_MAGIC)
        f.write(footer)


def write_bert(model, directory):
    """HF BertForSequenceClassification → Google's bert_config.json + bert_model.ckpt (TF names)."""
    import json
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    tensors = {}
    for key, value in state.items():
        if key.startswith("classifier."):
            tensors["output_weights" if key.endswith("weight") else "output_bias"] = value
            continue
        if not key.startswith("bert.") or "position_ids" in key:
            continue
        name = key.replace(".", "/").replace("/layer/", "/layer_")
        name = name.replace("LayerNorm/weight", "LayerNorm/gamma").replace("LayerNorm/bias", "LayerNorm/beta")
        if name.endswith("_embeddings/weight"):
            name = name[: -len("/weight")]
        elif name.endswith("/weight"):
            name = name[: -len("weight")] + "kernel"
            value = value.T
        tensors[name] = value
    tensors["global_step"] = np.array(1000, dtype=np.int64)
    tensors["bert/pooler/dense/kernel/adam_m"] = np.zeros_like(tensors["bert/pooler/dense/kernel"])
    write(os.path.join(directory, "bert_model.ckpt"), tensors)
    c = model.config
    with open(os.path.join(directory, "bert_config.json"), "w") as f:
        json.dump({"attention_probs_dropout_prob": c.attention_probs_dropout_prob, "hidden_act": c.hidden_act,
                   "hidden_dropout_prob": c.hidden_dropout_prob, "hidden_size": c.hidden_size,
                   "initializer_range": c.initializer_range, "intermediate_size": c.intermediate_size,
                   "max_position_embeddings": c.max_position_embeddings,
                   "num_attention_heads": c.num_attention_heads, "num_hidden_layers": c.num_hidden_layers,
                   "type_vocab_size": c.type_vocab_size, "vocab_size": c.vocab_size}, f, indent=2)


# ---- reading ------------------------------------------------------------------------------------

def _block_entries(buf):
    num_restarts = struct.unpack_from("<I", buf, len(buf) - 4)[0]
    end = len(buf) - 4 - 4 * num_restarts
    pos, key, out = 0, b"", []
    while pos < end:
        shared, pos = read_varint(buf, pos)
        non_shared, pos = read_varint(buf, pos)
        value_len, pos = read_varint(buf, pos)
        key = key[:shared] + buf[pos:pos + non_shared]
        pos += non_shared
        out.append((key, buf[pos:pos + value_len]))
        pos += value_len
    return out


def _handle(buf, pos=0):
    offset, pos = read_varint(buf, pos)
    size, pos = read_varint(buf, pos)
    return offset, size, pos


def _parse_entry(value):
    entry, pos = {"dtype": 0, "shape": [], "offset": 0, "size": 0}, 0
    while pos < len(value):
        tag, pos = read_varint(value, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            v, pos = read_varint(value, pos)
            entry[{1: "dtype", 3: "shard", 4: "offset", 5: "size"}.get(field, "_")] = v
        elif wire == 2:
            n, pos = read_varint(value, pos)
            if field == 2:
                shape, p = value[pos:pos + n], 0
                while p < len(shape):
                    t, p = read_varint(shape, p)
                    m, p = read_varint(shape, p)
                    dim, q = shape[p:p + m], 0
                    size = 0
                    while q < len(dim):
                        t2, q = read_varint(dim, q)
                        if t2 >> 3 == 1:
                            size, q = read_varint(dim, q)
                        else:
                            m2, q = read_varint(dim, q)
                            q += m2
                    entry["shape"].append(size)
                    p += m
            pos += n
        elif wire == 5:
            entry["crc"] = struct.unpack_from("<I", value, pos)[0]
            pos += 4
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return entry


def read(prefix, names=None, verify=True):
    """{name: numpy float32 array} for the float tensors of a single-shard bundle (all, or names).

    verify=False skips the CRC check, which this pure-Python CRC makes slow for BERT-base."""
    with open(prefix + ".index", "rb") as f:
        index = f.read()
    footer = index[-48:]
    assert struct.unpack_from("<Q", footer, 40)[0] == TABLE_MAGIC, "not a TF table"
    _, _, pos = _handle(footer)
    index_offset, index_size, _ = _handle(footer, pos)
    entries = {}
    for _, handle in _block_entries(index[index_offset:index_offset + index_size]):
        offset, size, _ = _handle(handle)
        for key, value in _block_entries(index[offset:offset + size]):
            if key:
                entries[key.decode()] = _parse_entry(value)
    out = {}
    with open(prefix + ".data-00000-of-00001", "rb") as data:
        for name, e in entries.items():
            if (names is not None and name not in names) or e["dtype"] != DT_FLOAT:
                continue
            data.seek(e["offset"])
            raw = data.read(e["size"])
            assert not verify or masked_crc32c(raw) == e["crc"], "bad crc for " + name
            out[name] = np.frombuffer(raw, dtype="<f4").reshape(e["shape"]).copy()
    return out
