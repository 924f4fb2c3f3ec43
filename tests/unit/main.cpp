// The Catch2 main for litrev_unit.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
