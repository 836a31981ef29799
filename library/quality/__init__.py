"""Language quality of content: the term base, the content checks and their findings.

Importing this package registers the content checks with `library.content.hooks`, so that every
`save_variant` checks what it saves (see `library.quality.findings.on_save`): content does not import
quality, quality imports content. The CLI, the web app and the demo loader import it.
"""

from library.content import hooks
from library.quality.findings import on_save, prepare_checks

hooks.register(on_save, prepare=prepare_checks)
