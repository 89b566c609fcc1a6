//! Quorate layer 1: the QuorumVM DSL: lexer, parser with diagnostics, checker, IR (spec/dsl.md)
