// Private: LaTeX markup in BibTeX field values turned into plain Unicode
// text, for the BibTeX reader (bibtex.cpp).
#pragma once

#include <string>
#include <string_view>

namespace litrev::latex {

enum class Mode {
  // Titles, names, abstracts, journals: everything below applies.
  text,
  // URLs, DOIs, eprints, file names: only the escapes \_ \% \& \# \$ \~ \{ \}
  // are undone and grouping braces removed; "--" and "~" stay as they are.
  verbatim,
};

// Converts a BibTeX value (macros already expanded, outer delimiters
// removed) to plain UTF-8:
// - accents in every spelling ({\"o}, \"{o}, \"o, {\" o}, \'e, \`a, \^o, \~n,
//   \=a, \.z, \u{g}, \v{s}, \H{o}, \c{c}, \k{a}, \r{a}, \d{s}, \b{b}; \i and \j
//   as dotless bases) become the composed character (NFC);
// - named letters and symbols (\ss \o \O \aa \AA \ae \AE \oe \OE \l \L,
//   \textasciitilde, \textbackslash, \textendash, \dots, \copyright, Greek
//   letters, common math symbols) become their character;
// - escapes \& \% \$ \# \_ \{ \} become the character; "\ " and "\\" a space;
// - `---` becomes an em dash, `--` an en dash, `~` a space, ``...'' curly
//   quotes (text mode);
// - \textit{x}, \emph{x}, \textbf{x} and every other command: the command is
//   dropped and the text of its argument kept; \href{url}{text} keeps the
//   text, \begin{env}/\end{env} disappear, \url{...} is kept verbatim;
//   \ElsevierGlyph{2014} is the code point U+2014;
// - $...$ math keeps its text without the ^ and _ markers ($e=mc^2$ ->
//   "e=mc2", $\Phi$ -> "Φ", $^\circ$ -> "°");
// - grouping braces are removed; runs of white space become one space and
//   the result is trimmed.
// Input that is not valid UTF-8 is passed through byte for byte (callers
// give valid UTF-8). Nesting depth is bounded, so hostile input cannot
// exhaust the stack. Never throws except std::bad_alloc.
std::string to_unicode(std::string_view value, Mode mode = Mode::text);

} // namespace litrev::latex
