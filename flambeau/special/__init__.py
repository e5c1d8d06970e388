"""``flambeau.special``: the ``torch.special`` namespace (ops are registered by ``_ops`` families)."""
