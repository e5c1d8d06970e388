"""``flambeau.linalg``: the ``torch.linalg`` namespace (ops are registered by ``_ops`` families)."""
