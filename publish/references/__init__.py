"""References: citation links become pandoc citations against one generated bibliography.

``urls.py``     URL normalisation, identity and readable display.
``sites.py``    who stands behind a site (styles/references/sites.toml, each row with its
                source): the name used when the sidecar gives no title, the author of an
                institution's page.
``collect.py``  the filter: recognise, merge, repair, number, and emit the CSL-JSON in meta.
``bibliography.py``  per edition: citeproc (GB/T 7714-2015 numeric unless ``csl``) and
                the printed list.
``sidecar.py``  ``<stem>.refs.yaml``: titles and other fields, its schema checked.
``refresh.py``  ``publish refs [--fetch] [--dry-run]``: write or fill the sidecar.
``fetch.py``    the only network code: cited pages, every address checked.
``extract.py``  what a fetched page says about itself (htmldate, declared metadata).
``listed.py``   the source's own reference list: titles, and the list gives way to ours.
"""

from publish.references.bibliography import CSL, cite_edition
from publish.references.collect import Citations

__all__ = ["CSL", "Citations", "cite_edition"]
