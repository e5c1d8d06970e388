"""``flambeau.fft``: the ``torch.fft`` namespace (ops are registered by ``_ops`` families)."""
