// litrev: the command-line front end. One table of commands; one place where
// errors become messages and exit codes (DESIGN.md "The CLI").
#include <cstdio>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "commands.hpp"

namespace {

using litrev::cli::Command;

const Command k_commands[] = {
    {"init", "Create a review directory with a default protocol (litrev.json)",
     &litrev::cli::define_init},
    {"import", "Import reference files (PubMed XML, MEDLINE, RIS, BibTeX, EndNote XML, WoS, CSV)",
     &litrev::cli::define_import},
    {"fetch", "Fetch records from PubMed, Europe PMC or ClinicalTrials.gov (resumable)",
     &litrev::cli::define_fetch},
    {"rebuild", "Recreate the index from sources/ (and the ledger)", &litrev::cli::define_rebuild},
    {"search", "Search the review's records: fielded boolean or PubMed syntax, strategies, snippets, facets",
     &litrev::cli::define_search},
    {"thesaurus", "Load the review's synonyms (one concept per line) for ~word and search --expand",
     &litrev::cli::define_thesaurus},
    {"index", "Split the index into shards for serving with xapian-tcpsrv (search them with search --index)",
     &litrev::cli::define_index},
    {"show", "Show one record by key (pmid:N, doi:..., ...)", &litrev::cli::define_show},
    {"export", "Export the review's records as RIS, BibTeX, CSV or JSON Lines", &litrev::cli::define_export},
    {"dedup", "Duplicate clusters with explanations; confirm or split them (--input FILE.csv: evaluation)",
     &litrev::cli::define_dedup},
    {"verify", "Check every ledger's hash chain; report damage or tampering by file and line",
     &litrev::cli::define_verify},
    {"meta", "Pool one outcome's study data (CSV, or --outcome NAME of the review) as metafor does",
     &litrev::cli::define_meta},
    {"grade", "GRADE certainty per outcome: litrev's suggestions, the reviewers' judgements (--accept, --set)",
     &litrev::cli::define_grade},
    {"sof", "The Summary of Findings table (md, html, csv, json) or the GRADE evidence profile (--profile)",
     &litrev::cli::define_sof},
    {"screen", "Screen records one at a time in the terminal (title-abstract or full text)",
     &litrev::cli::define_screen},
    {"decide", "Record a screening vote (include, exclude, maybe), or many from a CSV file",
     &litrev::cli::define_decide},
    {"conflicts", "Records the screeners disagree on, for an adjudicator", &litrev::cli::define_conflicts},
    {"resolve", "An adjudicator's decision on a record in conflict", &litrev::cli::define_resolve},
    {"retrieval", "Mark a record's full text as retrieved or not retrieved (with the reason)",
     &litrev::cli::define_retrieval},
    {"serve", "The review's web page for its reviewers: screening, search, conflicts, risk of bias, progress",
     &litrev::cli::define_serve},
    {"progress", "Screening progress per stage and reviewer", &litrev::cli::define_progress},
    {"rank", "The prioritised ranking of the records not screened yet, with scores and the model used",
     &litrev::cli::define_rank},
    {"agreement", "Agreement between screeners: kappa with CI, PABAK, AC1, Fleiss' kappa; reasons at full text",
     &litrev::cli::define_agreement},
    {"prisma", "The PRISMA 2020 flow diagram, computed from the review (md, json, csv, svg; --explain BOX)",
     &litrev::cli::define_prisma},
    {"rob", "Risk-of-bias tables (robvis, RevMan, CSV, md, html) and robvis plots (traffic-light, summary) as SVG",
     &litrev::cli::define_rob},
    {"simulate", "Replay prioritised screening on a labelled CSV: WSS@95, RRF@10, ATD over seeds",
     &litrev::cli::define_simulate},
    {"stop-check", "Whether screening may stop: the statistical test (Callaghan & Mueller-Hansen) and heuristics",
     &litrev::cli::define_stop_check},
};

const char* const k_exit_codes =
    "Exit codes: 0 ok, 1 failure, 2 usage error, 65 bad input data, 69 service unavailable, "
    "74 I/O error.";

int run(int argc, char** argv) {
  CLI::App app{"litrev: systematic reviews from search to evidence, reproducibly.", "litrev"};
  app.footer(k_exit_codes);
  app.require_subcommand(1);
  litrev::cli::Context ctx;
  app.add_option("-C", ctx.dir, "Run as if started in DIR (the review directory)")
      ->option_text("DIR");
  app.set_version_flag("--version", std::string("litrev ") + litrev::version());

  std::map<std::string, litrev::cli::Runner> runners;
  for (const Command& c : k_commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    runners[c.name] = c.define(*sub);
  }
  for (int i = 0; i < argc; ++i) {
    ctx.command_line += (i ? " " : "") + std::string(argv[i]);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "litrev: usage error: {}\nRun `litrev --help` for usage.\n", e.what());
    return litrev::k_exit_usage;
  }
  for (CLI::App* sub : app.get_subcommands()) {
    return runners.at(sub->get_name())(ctx);
  }
  return litrev::k_exit_usage;
}

} // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const litrev::Error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "litrev: error: {}\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "litrev: error: {}\n", e.what());
    return litrev::k_exit_failure;
  }
}
