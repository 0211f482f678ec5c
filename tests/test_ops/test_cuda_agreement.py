"""The one-time agreement check a CUDA device passes before the op uses its kernels.

Without a GPU the check runs against the CPU kernels (which the tests hold to
the reference) and against stand-ins that disagree; with one, on the device.
"""
import logging

import pytest
import torch

from mmpartdistill.ops import cuda_agreement, masked_kmeans
from mmpartdistill.ops.cuda_agreement import (CudaDisagreement, default_probes, disagreements,
                                              ensure_device_agrees)

FAKE = torch.device('cuda', 7)  # never touched: the probes below run on the CPU
CPU_PROBES = default_probes(torch.device('cpu'))


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(cuda_agreement, '_checked', {})
    monkeypatch.delenv(cuda_agreement.TRUST_ENV, raising=False)


def on_cpu(probes, corrupt=None):
    """The probes with their device side run on the CPU kernels (``corrupt``
    names one whose labels come back shifted, as a broken kernel's would)."""
    out = []
    for name, on_device, reference in probes:

        def run(p, o, f=on_device, broken=name == corrupt):
            got = f(p, o)
            return (got[0].roll(1), ) + tuple(got[1:]) if broken else got

        out.append((name, run, reference))
    return tuple(out)


def test_cpu_kernels_pass_every_probe():
    assert disagreements(default_probes(torch.device('cpu'))) == []


def test_a_device_that_agrees_is_checked_once_and_logged(caplog):
    calls = []

    def probes(device):
        calls.append(device)
        return on_cpu(CPU_PROBES)

    with caplog.at_level(logging.WARNING, 'mmpartdistill.ops'):
        ensure_device_agrees(FAKE, probes)
        ensure_device_agrees(FAKE, probes)
    assert calls == [FAKE]
    assert 'agree with the PyTorch reference' in caplog.text


@pytest.mark.parametrize('broken', ['kmeanspp_init', 'masked_kmeans (cosine)'])
def test_a_device_that_disagrees_is_refused_every_time(broken):
    for _ in range(2):
        with pytest.raises(CudaDisagreement, match=rf'{broken.split()[0]}.*points\.cpu\(\)'):
            ensure_device_agrees(FAKE, lambda d: on_cpu(CPU_PROBES, corrupt=broken))


def test_the_opt_in_skips_the_check_and_says_so(monkeypatch, caplog):
    monkeypatch.setenv(cuda_agreement.TRUST_ENV, '1')
    with caplog.at_level(logging.WARNING, 'mmpartdistill.ops'):
        ensure_device_agrees(FAKE, lambda d: on_cpu(CPU_PROBES, corrupt='kmeanspp_init'))
    assert 'without the agreement check' in caplog.text


@pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device')
def test_the_op_checks_a_real_device_before_its_first_result():
    points = torch.randn(100, 8, device='cuda')
    masked_kmeans(points, torch.tensor([0, 100], device='cuda'), 3)
    assert cuda_agreement._checked['cuda:0'] == 'agrees'
