return Modular.Cli.CliApplication.Run(args);
