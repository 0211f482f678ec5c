"""Run by test_distributed.py under torchrun: rank 0 works past the group's timeout."""
import datetime
import sys
import time

import torch.distributed as dist

from mmpartdistill.utils.rank_zero import on_rank_zero

TIMEOUT_S, WORK_S = 3, 8

dist.init_process_group('gloo', timeout=datetime.timedelta(seconds=TIMEOUT_S))
if sys.argv[1] == 'on_rank_zero':
    result = on_rank_zero(lambda: time.sleep(WORK_S) or 'done')
else:  # what the code did before: rank 0 works, the others wait in a plain barrier
    result = time.sleep(WORK_S) or 'done' if dist.get_rank() == 0 else None
    dist.barrier()
assert result == ('done' if dist.get_rank() == 0 else None)
dist.barrier()  # the default group still works afterwards
print(f'rank {dist.get_rank()} waited')
