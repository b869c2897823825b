"""Binding: one loopback address per host on one port; a taken port is a clear error."""

import socket

import pytest

from nianbao.simweb import Faults, SimWeb, SimWebError
from tests.simweb.http import get

pytestmark = pytest.mark.integration


def test_every_host_listens_on_its_own_address_only():
    with SimWeb(seed=1, agencies=3, faults=Faults.none()) as web:
        hosts = [a.host for a in web.world.agencies]
        assert len(set(hosts)) == 3 and all(h.startswith("127.0.") for h in hosts)
        for host in hosts:
            assert get(f"http://{host}:{web.port}/robots.txt").status == 200
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", web.port), timeout=2)


def test_a_taken_port_is_a_clear_error_and_a_free_one_is_used():
    with SimWeb(seed=1, agencies=2, faults=Faults.none()) as first:
        with pytest.raises(SimWebError, match=rf"cannot listen on 127\.0\.1\.1:{first.port}"):
            SimWeb(seed=1, agencies=2, faults=Faults.none(), port=first.port).start()
        port = first.port
    with SimWeb(seed=1, agencies=2, faults=Faults.none(), port=port) as again:
        assert again.port == port
        assert get(again.start_urls("sim-0001")[0]).status == 200


def test_bad_sizes_and_years_are_clear_errors():
    with pytest.raises(SimWebError, match="at least 1 agency"):
        SimWeb(agencies=0).start()
    with pytest.raises(SimWebError, match="report years 2024-2019"):
        SimWeb(years=(2024, 2019)).start()
    with pytest.raises(SimWebError, match="not started"):
        _ = SimWeb().manifest
