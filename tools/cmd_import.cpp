// litrev import FILE... [--skip-bad]
#include <unistd.h>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace litrev::cli {

namespace {

// "title=Title,doi=DOI" -> {title: Title, doi: DOI}.
std::map<std::string, std::string> parse_map(const std::string& spec) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < spec.size()) {
    std::size_t end = spec.find(',', start);
    if (end == std::string::npos) {
      end = spec.size();
    }
    const std::string pair = spec.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      throw UsageError("--map " + spec + ": expected field=COLUMN pairs separated by commas");
    }
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

} // namespace

Runner define_import(CLI::App& app) {
  struct Opts {
    std::vector<std::string> files;
    bool skip_bad = false;
    std::string format;
    std::string database;
    std::string map;
    unsigned jobs = 0;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->files,
                 "Reference files: PubMed XML, MEDLINE/nbib, RIS, BibTeX, EndNote XML, Web of "
                 "Science, CSV (any of them .gz)")
      ->required();
  app.add_flag("--skip-bad", o->skip_bad,
               "Import the readable records and list the unreadable ones, instead of "
               "refusing the whole import");
  app.add_option("--format", o->format,
                 "The files' format, when recognising it from the content is not wanted: "
                 "pubmed-xml, medline, ris, bibtex, endnote-xml, wos, csv, litrev-jsonl");
  app.add_option("--database", o->database,
                 "The database the files came from (Embase, Scopus, ...), for PRISMA counts");
  app.add_option("--map", o->map,
                 "CSV columns for a CSV litrev does not know: title=Title,doi=DOI,...");
  app.add_option("--jobs", o->jobs,
                 "Threads building the index of a first import (default: every core from " +
                     std::to_string(k_parallel_import_min) + " records up, else 1)")
      ->check(CLI::Range(1, 256));
  return [o](Context& ctx) {
    Review review(ctx.dir);
    ImportOptions options;
    options.jobs = o->jobs;
    options.skip_bad = o->skip_bad;
    options.command = ctx.command_line;
    if (!o->format.empty()) {
      options.format = format_from_name(o->format);
      if (!options.format) {
        throw UsageError("--format " + o->format +
                         ": expected pubmed-xml, medline, ris, bibtex, endnote-xml, wos, csv or litrev-jsonl");
      }
    }
    options.database = o->database;
    options.csv_columns = parse_map(o->map);
    // Progress on stderr, and only when it is a terminal (DESIGN.md "The CLI").
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    if (tty) {
      options.progress = [](const char* pass, std::uint64_t n) {
        fmt::print(stderr, "\r{}: {} records ", pass, n);
      };
    }
    const ImportReport r = review.import_files(o->files, options);
    if (tty) {
      fmt::print(stderr, "\r\033[K");
    }
    for (const auto& f : r.files) {
      if (f.already_imported) {
        fmt::print("{}: already imported (run {}); nothing to do\n", f.path, f.previous_run);
        continue;
      }
      fmt::print("{}: {}, {} record{}{}{}\n", f.path, f.format.empty() ? "?" : f.format, f.records, f.records == 1 ? "" : "s",
                 f.deletions ? fmt::format(", {} deletion{}", f.deletions,
                                           f.deletions == 1 ? "" : "s")
                             : "",
                 f.skipped.empty() ? "" : fmt::format(", {} skipped", f.skipped.size()));
      for (const auto& n : f.notes) {
        fmt::print("  note: {}\n", n);
      }
      for (const auto& s : f.skipped) {
        fmt::print("  skipped {}{}: {}\n", s.file, s.line ? fmt::format(":{}", s.line) : "",
                   s.problem);
      }
    }
    if (r.run.empty()) {
      fmt::print("Nothing new to import.\n");
    } else {
      if (r.jobs > 1) {
        fmt::print("Indexed in {} parallel parts, merged.\n", r.jobs);
      }
      fmt::print("Run {}: {} added, {} updated, {} deleted{}{}\n", r.run, r.added, r.updated,
                 r.deleted, r.skipped ? fmt::format(", {} skipped", r.skipped) : "",
                 r.kept ? fmt::format("; {} already in the review from a richer source (PubMed XML, "
                                      "MEDLINE, ...), whose copy was kept",
                                      r.kept)
                        : "");
      if (r.keyed_apart) {
        fmt::print("{} {} a DOI or title key with a different work and {} indexed under a key of its own "
                   "(KEY~xxxxxxxx); `litrev dedup` lists such pairs for a person to judge.\n",
                   r.keyed_apart, r.keyed_apart == 1 ? "record shared" : "records shared",
                   r.keyed_apart == 1 ? "is" : "are each");
      }
    }
    return 0;
  };
}

} // namespace litrev::cli
