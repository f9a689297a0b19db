"""Pure renderers: a networkx snapshot in, HTML / SVG / exports out."""
