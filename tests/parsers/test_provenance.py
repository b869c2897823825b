"""A record's provenance is written when first read, and reads, compares, prints and pickles as a tuple."""

from __future__ import annotations

import pickle
from pathlib import Path

from nianbao.parsers import parse
from nianbao.parsers.record import Provenance, Provenances, ReportRecord

FIXTURES = Path(__file__).parent / "fixtures"


def test_provenance_is_written_once_when_first_read():
    calls = []
    written = (Provenance("applications", "granted", "total", "text", "text", 1, 2, 3),)
    provenance = Provenances(lambda: calls.append(1) or written)
    assert not calls
    assert len(provenance) == 1 and provenance[0] == written[0] and list(provenance) == list(written)
    assert calls == [1]


def test_a_parsed_records_provenance_reads_as_the_tuple_it_stands_for():
    record = parse((FIXTURES / "pipe-rows.txt").read_bytes(), filename="pipe-rows.txt")
    provenance = record.provenance
    assert isinstance(provenance, Provenances)
    as_tuple = tuple(provenance)
    assert len(as_tuple) > 50
    assert provenance == as_tuple and as_tuple == provenance and provenance != as_tuple[1:]
    assert provenance[3] == as_tuple[3] and provenance[-2:] == as_tuple[-2:] and as_tuple[0] in provenance
    assert repr(provenance) == repr(as_tuple) and hash(provenance) == hash(as_tuple)
    restored = pickle.loads(pickle.dumps(provenance))
    assert type(restored) is tuple and restored == provenance
    assert ReportRecord.from_dict(record.to_dict()) == record
