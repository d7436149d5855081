"""An import-linter contract type of our own: a domain uses another only through its service.

Configured in pyproject.toml ([tool.importlinter]); `lint-imports` runs it with the others.
"""

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class EntryPointContract(Contract):
    """Imports between sibling packages must go to the imported package's entry module.

    Options: `packages` (the domain packages), `entry` (the one module others may import,
    e.g. "service"), `also_allowed` (modules any domain may import, e.g. shared schemas).
    """

    type_name = "entry_point"

    packages = fields.ListField(subfield=fields.StringField())
    entry = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        packages = sorted(self.packages)  # type: ignore[arg-type]
        broken: list[tuple[str, str, int]] = []
        for importer_pkg in packages:
            for importer in graph.find_children(importer_pkg) | {importer_pkg} | \
                    graph.find_descendants(importer_pkg):
                for imported in graph.find_modules_directly_imported_by(importer):
                    owner = next((p for p in packages if imported == p
                                  or imported.startswith(p + ".")), None)
                    if owner is None or owner == importer_pkg:
                        continue
                    if imported != f"{owner}.{self.entry}":
                        details = graph.get_import_details(importer=importer, imported=imported)
                        line = details[0]["line_number"] if details else 0
                        broken.append((importer, imported, line))
        return ContractCheck(kept=not broken, metadata={"broken": sorted(set(broken))})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, line in check.metadata["broken"]:
            output.print_error(f"{importer} (l. {line}) imports {imported}, not its "
                               f"{self.entry} module")
            output.new_line()
