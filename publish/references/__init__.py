"""References: citation links become pandoc citations against one generated bibliography.

``urls.py``     URL normalisation, identity and readable display.
``sites.py``    names of well-known sites (used when the sidecar gives no title).
``collect.py``  the filter: recognise, merge, repair, number, and emit the CSL-JSON in meta.
``bibliography.py``  per edition: citeproc (GB/T 7714-2015 numeric) and the printed list.
``sidecar.py``  ``<stem>.refs.yaml``: titles and other fields the author adds.
``listed.py``   the source's own reference list: titles, and the list gives way to ours.
"""

from publish.references.bibliography import CSL, cite_edition
from publish.references.collect import Citations

__all__ = ["CSL", "Citations", "cite_edition"]
