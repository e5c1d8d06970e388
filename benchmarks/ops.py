"""Per-op time of each operator family at a small (8x8) and a large (1000x1000) size,
flambeau vs torch in one run; prints the ratio table and the ten worst ratios.

    python benchmarks/ops.py [--threads 1] [--repeat 5] [--family pointwise,reduction]
"""
import argparse
import statistics

from _timing import compare, print_table, setup

# family -> [(name, fn(module, a, b, idx))]; a, b: float32 (n, n) tensors, idx: int64 (n,)
OPS = {
    "pointwise": [
        ("add", lambda m, a, b, i: a + b), ("mul scalar", lambda m, a, b, i: a * 2.5),
        ("div", lambda m, a, b, i: a / b), ("exp", lambda m, a, b, i: a.exp()),
        ("log", lambda m, a, b, i: b.log()), ("sin", lambda m, a, b, i: a.sin()),
        ("tanh", lambda m, a, b, i: a.tanh()), ("sigmoid", lambda m, a, b, i: a.sigmoid()),
        ("pow 2", lambda m, a, b, i: a ** 2), ("sqrt", lambda m, a, b, i: b.sqrt()),
        ("clamp", lambda m, a, b, i: a.clamp(-0.5, 0.5)), ("abs", lambda m, a, b, i: a.abs()),
        ("maximum", lambda m, a, b, i: m.maximum(a, b)), ("gt", lambda m, a, b, i: a > b),
        ("where", lambda m, a, b, i: m.where(a > 0, a, b)),
        ("erf", lambda m, a, b, i: m.erf(a)),
    ],
    "reduction": [
        ("sum", lambda m, a, b, i: a.sum()), ("sum dim", lambda m, a, b, i: a.sum(1)),
        ("mean", lambda m, a, b, i: a.mean()), ("max dim", lambda m, a, b, i: a.max(1)),
        ("argmax", lambda m, a, b, i: a.argmax()), ("std", lambda m, a, b, i: a.std(0)),
        ("cumsum", lambda m, a, b, i: a.cumsum(1)),
        ("logsumexp", lambda m, a, b, i: a.logsumexp(1)),
        ("norm", lambda m, a, b, i: a.norm()),
    ],
    "sorting": [
        ("sort", lambda m, a, b, i: a.sort(1)), ("topk", lambda m, a, b, i: a.topk(3)),
        ("unique", lambda m, a, b, i: m.unique(i)), ("cummax", lambda m, a, b, i: a.cummax(1)),
    ],
    "shape": [
        ("cat", lambda m, a, b, i: m.cat([a, b])), ("stack", lambda m, a, b, i: m.stack([a, b])),
        ("flip", lambda m, a, b, i: a.flip(0)), ("t().contiguous()",
                                                lambda m, a, b, i: a.t().contiguous()),
        ("repeat", lambda m, a, b, i: a.repeat(2, 1)), ("tril", lambda m, a, b, i: a.tril()),
    ],
    "indexing": [
        ("x[idx]", lambda m, a, b, i: a[i]), ("index_select",
                                             lambda m, a, b, i: a.index_select(1, i)),
        ("gather", lambda m, a, b, i: a.gather(1, i.view(-1, 1).expand(-1, 2))),
        ("masked_fill", lambda m, a, b, i: a.masked_fill(a > 0, 0.0)),
        ("x[mask]", lambda m, a, b, i: a[a > 0]),
    ],
    "random": [
        ("rand", lambda m, a, b, i: m.rand(a.shape)),
        ("randn", lambda m, a, b, i: m.randn(a.shape)),
        ("randint", lambda m, a, b, i: m.randint(0, 1000, a.shape)),
        ("randperm", lambda m, a, b, i: m.randperm(a.numel())),
        ("bernoulli_ 0.5", lambda m, a, b, i: m.empty_like(a).bernoulli_(0.5)),
    ],
    "blas": [
        ("matmul", lambda m, a, b, i: a @ b), ("mv", lambda m, a, b, i: a @ b[0]),
        ("einsum ij,jk", lambda m, a, b, i: m.einsum("ij,jk->ik", a, b)),
    ],
}


def inputs(m, n):
    g = m.Generator().manual_seed(0)
    a = m.randn(n, n, generator=g)
    b = m.rand(n, n, generator=g) + 0.5
    idx = m.randint(0, n, (n,), generator=g)
    return a, b, idx


def cases(m, families, n):
    a, b, idx = inputs(m, n)
    return [(f"{family}: {name} {n}x{n}", (lambda fn=fn: fn(m, a, b, idx)))
            for family in families for name, fn in OPS[family]]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--family", default=",".join(OPS))
    args = parser.parse_args()
    families = args.family.split(",")
    flambeau, torch = setup(args.threads)
    rows = []
    for n in (8, 1000):
        rows += compare(cases(flambeau, families, n), cases(torch, families, n), args.repeat)
    print_table(rows, args.threads)
    for size in ("8x8", "1000x1000"):
        ratios = [r[3] for r in rows if r[0].endswith(size)]
        print(f"median ratio {size}: {statistics.median(ratios):.2f}")
    print("ten worst:", ", ".join(f"{r[0]} {r[3]:.2f}" for r in
                                  sorted(rows, key=lambda r: -r[3])[:10]))


if __name__ == "__main__":
    main()
