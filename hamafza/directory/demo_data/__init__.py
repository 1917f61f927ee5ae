"""Hand-written material for the demo directory: places, name parts, per-capability phrase banks
and people. Every organization, person, product and pilot described here is invented for the demo.
`hamafza.directory.demo` composes the organizations from these parts with a seeded random
generator, so the demo is the same on every machine."""
