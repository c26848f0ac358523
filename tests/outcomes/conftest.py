from tests.certified.conftest import cantine, pass_famille, seeded  # noqa: F401
