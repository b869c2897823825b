"""A deterministic simulated government web, served on loopback, that knows its own ground truth.

    from nianbao.simweb import SimWeb
    with SimWeb(seed=1, agencies=20, years=(2019, 2024)) as web:
        web.registry, web.manifest, web.base_url("sim-0003"), web.advance_epoch()

See docs/simweb.md for the manifest, the registry and every fault.
"""

from nianbao.simweb.errors import SimWebError
from nianbao.simweb.faults import FAULT_KINDS, Faults
from nianbao.simweb.server import SimWeb

__all__ = ["FAULT_KINDS", "Faults", "SimWeb", "SimWebError"]
