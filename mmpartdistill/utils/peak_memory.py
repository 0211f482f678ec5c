"""This process's peak resident memory over a span of work (Linux)."""
from typing import Optional


def reset_peak_memory() -> None:
    """Start a new span: the kernel's peak resident set (VmHWM) is set back to
    the current one. Where that is not possible the next peak is the process's."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


def peak_memory_mb() -> Optional[float]:
    """Peak resident memory (MB) of this process since the last
    :func:`reset_peak_memory` (without loader workers); None where unknown."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
