"""pytorch_model.bin fixtures for dropgrid.model.TorchCheckpoint: the same weights in both torch.save formats.

Run from anywhere with the project venv:
    /work/venvs/torch/bin/python spark-job/src/test/python/make_torch_bin_fixtures.py

Writes spark-job/src/test/resources/torch-bin/:
  zip/pytorch_model.bin      golden/xlnet-tiny's state dict (read from its model.safetensors), as torch.save
                             writes it since PyTorch 1.6 (a zip of data.pkl and one file per storage)
  legacy/pytorch_model.bin   the same dict in the format before 1.6 (_use_new_zipfile_serialization=False),
                             which Hub checkpoints of 2019-2020 such as xlnet-base-cased use
  zip/config.json, legacy/config.json   golden/xlnet-tiny's config, so each directory loads as a model
  views-zip.bin, views-legacy.bin       small tensors that exercise what a reader can get wrong: a view at a
                             storage offset and a transposed (non-contiguous) view sharing one storage,
                             float16, bfloat16 and float64 values, and an int64 buffer
  views.json                 torch's own values of those tensors (as float32 lists) and shapes
"""
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file

HERE = Path(__file__).resolve().parent
RESOURCES = HERE.parent / "resources"
OUT = RESOURCES / "torch-bin"
XLNET = RESOURCES / "golden" / "xlnet-tiny"


def views():
    generator = torch.Generator().manual_seed(5)
    base = torch.randn(4, 6, generator=generator)
    return {
        "base": base,
        "row_view": base[2],                 # storage offset 12, shares base's storage
        "transposed": base.t(),              # strides (1, 6)
        "half": torch.randn(3, 2, generator=generator).to(torch.float16),
        "bfloat": torch.randn(5, generator=generator).to(torch.bfloat16),
        "double": torch.randn(2, 2, generator=generator, dtype=torch.float64),
        "position_ids": torch.arange(7).unsqueeze(0),
    }


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    state = load_file(str(XLNET / "model.safetensors"))
    for name, zip_format in (("zip", True), ("legacy", False)):
        directory = OUT / name
        directory.mkdir(parents=True)
        torch.save(state, directory / "pytorch_model.bin", _use_new_zipfile_serialization=zip_format)
        shutil.copy(XLNET / "config.json", directory / "config.json")
        reloaded = torch.load(directory / "pytorch_model.bin", weights_only=True)
        assert all(torch.equal(reloaded[k], v) for k, v in state.items())
    tensors = views()
    torch.save(tensors, OUT / "views-zip.bin")
    torch.save(tensors, OUT / "views-legacy.bin", _use_new_zipfile_serialization=False)
    expected = {k: {"shape": list(v.shape), "values": v.to(torch.float32).flatten().tolist()}
                for k, v in tensors.items() if v.is_floating_point()}
    (OUT / "views.json").write_text(json.dumps(expected) + "\n")
    print(sorted(str(p.relative_to(OUT)) for p in OUT.rglob("*") if p.is_file()))


if __name__ == "__main__":
    main()
