"""Input pipelines, flambeau.vision vs torchvision in one run: images per second for one pass of
a DataLoader (batch 64) over data files written into a temporary folder:

- MNIST (28x28 idx files) + ToTensor + Normalize, num_workers 0 and 2;
- CIFAR-10 (pickle batches) + RandomCrop(32, padding=4) + RandomHorizontalFlip + ToTensor +
  Normalize, num_workers 0 and 2.

A pass with workers includes starting them, as each epoch does without persistent_workers.
The ratio is flambeau's throughput over torch's (above 1: flambeau is faster).

    python benchmarks/dataloader.py [--threads 1] [--repeat 5] [--images 3200]
"""
import argparse
import hashlib
import importlib
import os
import pickle
import tempfile

from _timing import compare, setup

BATCH = 64
MNIST_NORM = ((0.1307,), (0.3081,))
CIFAR_NORM = ((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))


def write_data(root, images):
    """``images`` MNIST training images and as many CIFAR-10 ones (5 batches), random pixels;
    returns the CIFAR file lists with their checksums, for both libraries' integrity checks."""
    import numpy as np
    rng = np.random.default_rng(0)
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw)
    for name, array in (("train-images-idx3-ubyte", rng.integers(0, 256, (images, 28, 28))),
                        ("train-labels-idx1-ubyte", rng.integers(0, 10, images)),
                        ("t10k-images-idx3-ubyte", rng.integers(0, 256, (1, 28, 28))),
                        ("t10k-labels-idx1-ubyte", rng.integers(0, 10, 1))):
        array = array.astype(np.uint8)
        header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big")
                                                         for d in array.shape)
        with open(os.path.join(raw, name), "wb") as file:
            file.write(header + array.tobytes())
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder)
    entries = {f"data_batch_{i}": images // 5 for i in range(1, 6)}
    entries["test_batch"] = 1
    for name, n in entries.items():
        batch = {"batch_label": name, "labels": rng.integers(0, 10, n).tolist(),
                 "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8)}
        with open(os.path.join(folder, name), "wb") as file:
            pickle.dump(batch, file, protocol=2)
    with open(os.path.join(folder, "batches.meta"), "wb") as file:
        pickle.dump({"label_names": [f"class{i}" for i in range(10)]}, file, protocol=2)

    def md5(name):
        with open(os.path.join(folder, name), "rb") as file:
            return hashlib.md5(file.read()).hexdigest()
    return {"train_list": [[f"data_batch_{i}", md5(f"data_batch_{i}")] for i in range(1, 6)],
            "test_list": [["test_batch", md5("test_batch")]],
            "meta": {"filename": "batches.meta", "key": "label_names",
                     "md5": md5("batches.meta")}}


def cases(m, root, cifar_lists):
    vision = "flambeau.vision" if m.__name__ == "flambeau" else "torchvision"
    datasets = importlib.import_module(vision + ".datasets")
    T = importlib.import_module(vision + ".transforms")
    mnist = datasets.MNIST(root, transform=T.Compose([T.ToTensor(), T.Normalize(*MNIST_NORM)]))
    cifar10 = type("CIFAR10", (datasets.CIFAR10,), cifar_lists)
    cifar = cifar10(root, transform=T.Compose([
        T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
        T.Normalize(*CIFAR_NORM)]))

    def epoch(dataset, workers):
        loader = m.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True,
                                         num_workers=workers)
        return lambda: [None for _ in loader]
    return [(f"{name} workers={workers}", epoch(dataset, workers))
            for name, dataset in (("MNIST", mnist), ("CIFAR-10 aug", cifar))
            for workers in (0, 2)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--images", type=int, default=3200)
    args = parser.parse_args()
    flambeau, torch = setup(args.threads)
    with tempfile.TemporaryDirectory() as root:
        lists = write_data(root, args.images)
        rows = compare(cases(flambeau, root, lists), cases(torch, root, lists), args.repeat)
    print(f"threads={args.threads or 'default'}, {args.images} images a pass, batch {BATCH}")
    print(f"{'pipeline':<26}{'flambeau img/s':>16}{'torch img/s':>14}{'ratio':>8}")
    for name, seconds_f, seconds_t, time_ratio in rows:
        print(f"{name:<26}{args.images / seconds_f:>16,.0f}{args.images / seconds_t:>14,.0f}"
              f"{1 / time_ratio:>8.2f}")


if __name__ == "__main__":
    main()
