"""``torch.backends.cpu``: what the CPU offers to vectorized kernels."""


def get_cpu_capability():
    """The widest SIMD level torch would dispatch to on this CPU ("AVX512", "AVX2", "SVE256",
    "VSX", "Z VECTOR" or "DEFAULT"), read from NumPy's CPU feature detection."""
    import platform
    from numpy._core._multiarray_umath import __cpu_features__ as has
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64", "i386", "i686"):
        if has.get("AVX512_SKX"):
            return "AVX512"
        return "AVX2" if has.get("AVX2") and has.get("FMA3") else "DEFAULT"
    if machine in ("aarch64", "arm64"):
        return "SVE256" if has.get("SVE") else "DEFAULT"
    if machine.startswith("ppc64"):
        return "VSX" if has.get("VSX") else "DEFAULT"
    if machine == "s390x":
        return "Z VECTOR" if has.get("VX") else "DEFAULT"
    return "DEFAULT"
