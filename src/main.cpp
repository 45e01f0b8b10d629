#include "cli/commands.hpp"

int main(int argc, char** argv)
{
  return snipcheck::cli::main(argc, argv);
}
