from crosource.cli import main

main()
