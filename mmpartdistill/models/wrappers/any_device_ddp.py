"""MMEngine's DistributedDataParallel wrapper for models on the CPU as well as on GPUs."""
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS
from torch import nn


@MODEL_WRAPPERS.register_module()
class AnyDeviceDistributedDataParallel(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` that also wraps a model on the CPU.

    MMEngine's runner passes ``device_ids=[LOCAL_RANK]``, which PyTorch
    refuses for CPU modules; here they are dropped for a CPU model (gloo
    ranks), and kept as they are for a GPU model. A model with nothing to
    train (the training-free baselines) has nothing to synchronise, and
    PyTorch refuses to wrap it: it is returned as it is.
    """

    def __new__(cls, module: nn.Module, *args, **kwargs):
        if not any(p.requires_grad for p in module.parameters()):
            return module
        return super().__new__(cls)

    def __init__(self, module: nn.Module, device_ids=None, **kwargs) -> None:
        on_cpu = all(p.device.type == 'cpu' for p in module.parameters())
        super().__init__(module=module, device_ids=None if on_cpu else device_ids, **kwargs)
