"""Decodes one Avro binary datum with a schema, independently of the platform's JavaScript code.

Usage: /usr/bin/python3 decode_avro.py <schema.json> <datum.bin>  -> prints the datum as JSON.
Timestamps print as ISO 8601 UTC with milliseconds, dates as YYYY-MM-DD.
"""
import datetime
import io
import json
import sys

import avro.io
import avro.schema


def to_json(value):
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


with open(sys.argv[1]) as schema_file:
    schema = avro.schema.parse(schema_file.read())
with open(sys.argv[2], "rb") as datum_file:
    datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(datum_file.read())))
print(json.dumps(datum, default=to_json))
