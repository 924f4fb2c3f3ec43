// Private: the per-format readers behind formats.hpp. Each format's file
// defines its `looks_like_*` (sniffing on the first bytes of a file, BOM
// included) and its `make_*_reader`. formats.cpp is the only caller.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <litrev/formats.hpp>

namespace litrev {

bool looks_like_medline(std::string_view head);
bool looks_like_ris(std::string_view head);
bool looks_like_wos(std::string_view head);
bool looks_like_bibtex(std::string_view head);
bool looks_like_endnote_xml(std::string_view head);
bool looks_like_csv(std::string_view head);
// JSON service responses, by their top-level member names.
bool looks_like_europepmc_json(std::string_view head);
bool looks_like_ctgov_json(std::string_view head);
// litrev's own JSON Lines (export records --format json), by its members.
bool looks_like_litrev_jsonl(std::string_view head);

std::unique_ptr<RecordReader> make_pubmed_xml_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_medline_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_ris_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_wos_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_bibtex_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_endnote_xml_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_csv_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_europepmc_json_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_ctgov_json_reader(const std::string& path, const ReaderOptions& options);
std::unique_ptr<RecordReader> make_litrev_jsonl_reader(const std::string& path, const ReaderOptions& options);

} // namespace litrev
