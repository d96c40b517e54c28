#!/usr/bin/env python3
"""Builds libdropgrid_torch.so, dropgrid's JNI kernels, against the headers of torch 2.7.1.

The headers come from PyPI's torch 2.7.1 wheel: a wheel is a zip whose torch/include entries lie
together, so one HTTP range request of ~7 MB fetches them instead of the ~800 MB wheel. The bytes are
checked against a pinned SHA-256. The library links to libtorch by soname only (libtorch_cpu.so,
libc10.so) and so binds to whichever libtorch 2.7.1 DJL loaded first: its CPU build from Maven Central
or the CUDA build of the wheel; both use the C++11 ABI.

Headers and built libraries are cached under $DROPGRID_NATIVE_CACHE (default ~/.cache/dropgrid/native),
keyed by the sources and the compiler, so a rebuild after `mvn clean` only copies.

Usage: build.py OUTPUT_DIR JAVA_HOME
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = sorted(HERE.glob("*.cpp")) + sorted(HERE.glob("*.h"))
LIBRARY = "libdropgrid_torch.so"

WHEEL = "torch-2.7.1-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SIZE = 821174704
# SHA-256 of the wheel's bytes from the first to the last torch/include entry (local headers included).
INCLUDE_SPAN_SHA256 = "cb46e4be27ff2268187bc244ad17da9e6c436e4f00052505681626759b4d263e"
INCLUDE_PREFIX = "torch/include/"

# -fno-trapping-math: no kernel here reads floating-point exception flags, and without the promise GCC
# will not vectorise a loop whose branches compute floats (the attention softmax's
# exp: 2.4-3.7x slower without, measured here).
COMPILE_FLAGS = ["-std=c++17", "-O3", "-fno-trapping-math", "-fPIC", "-shared", "-fvisibility=hidden",
                 "-D_GLIBCXX_USE_CXX11_ABI=1", "-Wall", "-Wno-unused-parameter"]


def log(message):
    print("native: " + message, file=sys.stderr, flush=True)


def cache_root():
    return Path(os.environ.get("DROPGRID_NATIVE_CACHE", Path.home() / ".cache" / "dropgrid" / "native"))


# ---- torch headers from the wheel ------------------------------------------------------------------

def index_url():
    """pip's index: PIP_INDEX_URL, pip's configuration, else pip's default."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                             capture_output=True, text=True, check=False).stdout.strip()
        if out:
            return out
    except OSError:
        pass
    from pip._internal.models.index import PyPI
    return PyPI.simple_url


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = {}

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.links[urllib.parse.unquote(href.split("#")[0].rsplit("/", 1)[-1])] = href


def wheel_url():
    """The wheel's download address as the index lists it (PEP 691 JSON, or the PEP 503 HTML page)."""
    page = index_url().rstrip("/") + "/torch/"
    request = urllib.request.Request(page, headers={
        "Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        kind = response.headers.get("Content-Type", "")
    if "json" in kind:
        for f in json.loads(body)["files"]:
            if f["filename"] == WHEEL:
                return urllib.parse.urljoin(page, f["url"])
    else:
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        if WHEEL in parser.links:
            return urllib.parse.urljoin(page, parser.links[WHEEL])
    raise SystemExit(f"native: {page} does not list {WHEEL}")


def fetch_range(url, first, last):
    request = urllib.request.Request(url, headers={"Range": f"bytes={first}-{last}"})
    with urllib.request.urlopen(request, timeout=300) as response:
        if response.status != 206:
            raise SystemExit(f"native: {url} ignored a range request (HTTP {response.status})")
        data = response.read()
    if len(data) != last - first + 1:
        raise SystemExit(f"native: asked {url} for {last - first + 1} bytes, got {len(data)}")
    return data


def central_directory(url):
    """(offset, name, compressed size, method) of every zip entry, sorted by offset."""
    tail_start = WHEEL_SIZE - 65536
    tail = fetch_range(url, tail_start, WHEEL_SIZE - 1)
    end = tail.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack("<HII", tail[end + 10:end + 20])
    if offset == 0xFFFFFFFF or count == 0xFFFF:
        end64 = tail.rfind(b"PK\x06\x06")
        count, size, offset = struct.unpack("<QQQ", tail[end64 + 32:end64 + 56])
    data = tail[offset - tail_start:offset - tail_start + size] if offset >= tail_start \
        else fetch_range(url, offset, offset + size - 1)
    entries, p = [], 0
    while p < len(data):
        (_, _, _, _, method, _, _, _, compressed, uncompressed, name_len, extra_len, comment_len, _, _, _,
         local) = struct.unpack("<IHHHHHHIIIHHHHHII", data[p:p + 46])
        name = data[p + 46:p + 46 + name_len].decode("utf-8")
        extra = data[p + 46 + name_len:p + 46 + name_len + extra_len]
        q = 0
        while q + 4 <= len(extra):  # zip64 sizes/offset replace the 0xFFFFFFFF fields, in this order
            tag, length = struct.unpack("<HH", extra[q:q + 4])
            if tag == 1:
                values = list(struct.unpack("<%dQ" % (length // 8), extra[q + 4:q + 4 + length]))
                if uncompressed == 0xFFFFFFFF:
                    uncompressed = values.pop(0)
                if compressed == 0xFFFFFFFF:
                    compressed = values.pop(0)
                if local == 0xFFFFFFFF:
                    local = values.pop(0)
            q += 4 + length
        entries.append((local, name, compressed, method))
        p += 46 + name_len + extra_len + comment_len
    return sorted(entries)


def torch_headers():
    """The wheel's torch/include directory, fetched once into the cache."""
    include = cache_root() / "torch-2.7.1-include"
    if (include / ".complete").exists():
        return include
    url = wheel_url()
    log(f"fetching torch/include of {WHEEL} (one range request)")
    entries = central_directory(url)
    picked = [i for i, e in enumerate(entries) if e[1].startswith(INCLUDE_PREFIX)]
    if not picked or picked[-1] - picked[0] + 1 != len(picked):
        raise SystemExit(f"native: the torch/include entries of {WHEEL} are not contiguous")
    first = entries[picked[0]][0]
    last = entries[picked[-1] + 1][0] - 1
    span = fetch_range(url, first, last)
    digest = hashlib.sha256(span).hexdigest()
    if digest != INCLUDE_SPAN_SHA256:
        raise SystemExit(f"native: torch/include bytes of {WHEEL} have SHA-256 {digest}, "
                         f"expected {INCLUDE_SPAN_SHA256}")
    staging = Path(tempfile.mkdtemp(prefix="torch-include-", dir=cache_root()))
    for i in picked:
        offset, name, compressed, method = entries[i]
        at = offset - first
        name_len, extra_len = struct.unpack("<HH", span[at + 26:at + 30])
        raw = span[at + 30 + name_len + extra_len:at + 30 + name_len + extra_len + compressed]
        content = zlib.decompress(raw, -15) if method == 8 else raw
        if name.endswith("/"):
            continue
        target = staging / name[len(INCLUDE_PREFIX):]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (staging / ".complete").write_text(WHEEL + "\n")
    try:
        staging.rename(include)
    except OSError:  # another build got there first
        shutil.rmtree(staging, ignore_errors=True)
    return include


# ---- compiling -------------------------------------------------------------------------------------

def compiler():
    return os.environ.get("CXX", "g++")


def build_key():
    h = hashlib.sha256()
    for source in SOURCES:
        h.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    h.update(" ".join(COMPILE_FLAGS).encode())
    h.update(subprocess.run([compiler(), "--version"], capture_output=True, check=True).stdout)
    h.update(INCLUDE_SPAN_SHA256.encode())
    return h.hexdigest()[:16]


def compile_library(java_home, target):
    include = torch_headers()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # Link by soname only: the library binds to the libtorch already loaded in the JVM.
        for soname in ("libtorch_cpu.so", "libc10.so"):
            subprocess.run([compiler(), "-shared", "-fPIC", "-x", "c", "/dev/null", f"-Wl,-soname,{soname}",
                            "-o", str(work / soname)], check=True)
        out = work / LIBRARY
        command = [compiler(), *COMPILE_FLAGS,
                   "-isystem", str(include), "-isystem", str(include / "torch/csrc/api/include"),
                   "-isystem", str(Path(java_home) / "include"), "-isystem", str(Path(java_home) / "include/linux"),
                   *[str(s) for s in SOURCES if s.suffix == ".cpp"],
                   "-o", str(out), "-L", str(work), "-Wl,--no-as-needed", "-ltorch_cpu", "-lc10"]
        log("compiling " + LIBRARY)
        subprocess.run(command, check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, target.with_suffix(".tmp"))
        target.with_suffix(".tmp").rename(target)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    try:
        build(Path(sys.argv[1]), Path(sys.argv[2]))
    except urllib.error.URLError as e:
        raise SystemExit(f"native: cannot fetch torch 2.7.1's headers from pip's index ({e}); build with "
                         "-Ddropgrid.native.skip=true to go without the native kernels (fp32 on DJL only)")
    except FileNotFoundError as e:
        raise SystemExit(f"native: {e.filename} not found (install g++, or set CXX); build with "
                         "-Ddropgrid.native.skip=true to go without the native kernels (fp32 on DJL only)")


def build(output_dir, java_home):
    if not (java_home / "include" / "jni.h").exists() and (java_home.parent / "include" / "jni.h").exists():
        java_home = java_home.parent  # Maven's java.home is the JDK or its jre/ folder
    cached = cache_root() / "build" / build_key() / LIBRARY
    if not cached.exists():
        cache_root().mkdir(parents=True, exist_ok=True)
        compile_library(java_home, cached)
    output_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, output_dir / LIBRARY)
    log(f"{output_dir / LIBRARY} ({cached.parent.name})")


if __name__ == "__main__":
    main()
