# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sfn_global_optspecs
    string join \n h/help V/version
end

function __fish_sfn_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sfn_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sfn_using_subcommand
    set -l cmd (__fish_sfn_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sfn -n "__fish_sfn_needs_command" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_needs_command" -s V -l version -d 'Print version'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "validate" -d 'Check definitions and templates for everything AWS rejects or warns about'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "run" -d 'Execute a definition locally, with every Task answered from a mocks file'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "explain" -d 'Print the documentation of a validation rule'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "history" -d 'Print an execution\'s event history (GetExecutionHistory), or compare two'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "describe" -d 'Print an execution\'s DescribeExecution response'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "list" -d 'List the stored executions, newest first (ListExecutions)'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "redrive" -d 'Resume a FAILED, TIMED_OUT or ABORTED execution from where it stopped (RedriveExecution)'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c sfn -n "__fish_sfn_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sfn -n "__fish_sfn_using_subcommand validate" -l format -d 'Output format' -r -f -a "human\t''
json\t''
sarif\t''
github\t''"
complete -c sfn -n "__fish_sfn_using_subcommand validate" -l sub -d 'Fill `${NAME}` placeholders: NAME=VALUE (repeatable; overrides DefinitionSubstitutions)' -r
complete -c sfn -n "__fish_sfn_using_subcommand validate" -l color -d 'Colours: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sfn -n "__fish_sfn_using_subcommand validate" -l strict -d 'Treat warnings as errors'
complete -c sfn -n "__fish_sfn_using_subcommand validate" -l watch -d 'Re-validate whenever a file changes'
complete -c sfn -n "__fish_sfn_using_subcommand validate" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand run" -l input -d 'Execution input: a JSON file, `-` for stdin, or JSON text (default `{}`)' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l mocks -d 'Mocks file: AWS Step Functions Local\'s MockConfigFile, or the native YAML form' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand run" -l test-case -d 'The test case of a MockConfigFile to use' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l name -d 'Execution name (default: a generated UUID)' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l format -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c sfn -n "__fish_sfn_using_subcommand run" -l seed -d 'Seed for States.UUID, States.MathRandom, retry jitter and generated names' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l clock -d 'virtual: waits, retries, delays and timeouts take no real time; real: they do' -r -f -a "virtual\t''
real\t''"
complete -c sfn -n "__fish_sfn_using_subcommand run" -l machine -d 'For a template holding several state machines: the logical id of the one to run' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l sub -d 'Fill `${NAME}` placeholders: NAME=VALUE (repeatable)' -r
complete -c sfn -n "__fish_sfn_using_subcommand run" -l s3-dir -d 'The directory standing in for Amazon S3 (Distributed Map ItemReader, ResultWriter): s3://BUCKET/KEY is DIR/BUCKET/KEY' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand run" -l store -d 'The execution store (default: $SFN_STORE, else .sfn in the working directory)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand run" -l watch -d 'Run again whenever the definition, the mocks or the input file changes'
complete -c sfn -n "__fish_sfn_using_subcommand run" -l no-store -d 'Do not save the execution in the store'
complete -c sfn -n "__fish_sfn_using_subcommand run" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand explain" -l list -d 'List every rule instead'
complete -c sfn -n "__fish_sfn_using_subcommand explain" -l markdown -d 'List every rule as the README\'s Markdown table'
complete -c sfn -n "__fish_sfn_using_subcommand explain" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand history" -l format -d 'Output format: a table, or exactly GetExecutionHistory\'s JSON' -r -f -a "table\t''
json\t''"
complete -c sfn -n "__fish_sfn_using_subcommand history" -l include-data -d 'Include events\' input and output (GetExecutionHistory\'s includeExecutionData)' -r -f -a "true\t''
false\t''"
complete -c sfn -n "__fish_sfn_using_subcommand history" -l diff -d 'Compare two executions side by side, event by event (exit 1 if they differ, as diff)' -r
complete -c sfn -n "__fish_sfn_using_subcommand history" -l store -d 'The execution store (default: $SFN_STORE, else .sfn in the working directory)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand history" -l color -d 'Colours: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sfn -n "__fish_sfn_using_subcommand history" -l reverse -d 'Newest event first (GetExecutionHistory\'s reverseOrder)'
complete -c sfn -n "__fish_sfn_using_subcommand history" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand describe" -l store -d 'The execution store (default: $SFN_STORE, else .sfn in the working directory)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand describe" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand list" -l status -d 'Only executions with this status (ListExecutions\' statusFilter)' -r -f -a "RUNNING\t''
SUCCEEDED\t''
FAILED\t''
TIMED_OUT\t''
ABORTED\t''
PENDING_REDRIVE\t''"
complete -c sfn -n "__fish_sfn_using_subcommand list" -l redrive-filter -d 'Only executions redriven at least once, or never (ListExecutions\' redriveFilter)' -r -f -a "REDRIVEN\t''
NOT_REDRIVEN\t''"
complete -c sfn -n "__fish_sfn_using_subcommand list" -l state-machine -d 'Only executions of this state machine (name or ARN)' -r
complete -c sfn -n "__fish_sfn_using_subcommand list" -l max-results -d 'At most N executions, the newest (0, as leaving it out: all)' -r
complete -c sfn -n "__fish_sfn_using_subcommand list" -l format -d 'Output format: a table, or ListExecutions\' JSON' -r -f -a "table\t''
json\t''"
complete -c sfn -n "__fish_sfn_using_subcommand list" -l store -d 'The execution store (default: $SFN_STORE, else .sfn in the working directory)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand list" -l color -d 'Colours: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sfn -n "__fish_sfn_using_subcommand list" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -l mocks -d 'Mocks for the redrive (default: the ones stored with the execution, their call counters going on; other mocks start from their first call)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -l test-case -d 'The test case of a MockConfigFile to use' -r
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -l format -d 'Output format: a summary, or DescribeExecution\'s JSON after the redrive' -r -f -a "human\t''
json\t''"
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -l s3-dir -d 'The directory standing in for Amazon S3 (Distributed Map ItemReader, ResultWriter): s3://BUCKET/KEY is DIR/BUCKET/KEY' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -l store -d 'The execution store (default: $SFN_STORE, else .sfn in the working directory)' -r -F
complete -c sfn -n "__fish_sfn_using_subcommand redrive" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand completions" -s h -l help -d 'Print help'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "validate" -d 'Check definitions and templates for everything AWS rejects or warns about'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "run" -d 'Execute a definition locally, with every Task answered from a mocks file'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "explain" -d 'Print the documentation of a validation rule'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "history" -d 'Print an execution\'s event history (GetExecutionHistory), or compare two'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "describe" -d 'Print an execution\'s DescribeExecution response'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "list" -d 'List the stored executions, newest first (ListExecutions)'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "redrive" -d 'Resume a FAILED, TIMED_OUT or ABORTED execution from where it stopped (RedriveExecution)'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c sfn -n "__fish_sfn_using_subcommand help; and not __fish_seen_subcommand_from validate run explain history describe list redrive completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
