namespace Apiary.Cli;

public static class Program
{
    public static int Main(string[] args) => ApiaryCommand.Run(args);
}
