import os
import stat

import pytest

from mmpartdistill.utils import atomic_write_json
from mmpartdistill.utils.atomic_io import atomic_writer


@pytest.mark.parametrize('umask', [0o022, 0o002, 0o077])
def test_outputs_follow_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        atomic_write_json({'a': 1}, str(tmp_path / 'out.json'))
        plain = tmp_path / 'plain.json'
        plain.write_text('{}')
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / 'out.json').stat().st_mode)
    assert mode == 0o666 & ~umask == stat.S_IMODE(plain.stat().st_mode)


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / 'out.txt'
    with pytest.raises(RuntimeError):
        with atomic_writer(str(target)) as f:
            f.write('half')
            raise RuntimeError('interrupted')
    assert list(tmp_path.iterdir()) == []
