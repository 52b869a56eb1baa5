#include <iostream>

#include "podcast/cli.hpp"

int main(int argc, char** argv) { return podcast::run_cli(argc, argv, std::cout, std::cerr); }
