"""Round trips with CAT tools: a language's queue out as PO or XLIFF 1.2, translations back in.

`units` names what travels (one unit per article field, keyed ``slug|field|lang@revision``),
`po` and `xliff` read and write the two formats, `ingest` checks a whole file before it writes
anything, and `service` ties them to the queue and the database.
"""
