"""The machinery behind ``flambeau.serialization``: the zip container (``zip``), the names
torch gives the objects in a checkpoint (``names``), the pickler that writes them
(``pickler``) and the two unpicklers that read them (``unpickler``)."""
