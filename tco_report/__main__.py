from .cli import main

if __name__ == "__main__":  # a guard, so that importing this module (multiprocessing does) runs nothing
    raise SystemExit(main())
