from frameforecast.cli import main

raise SystemExit(main())
