from tests.flows.conftest import prefect_api as prefect_api  # the Prefect test server, shared
