from .cli import entry

if __name__ == "__main__":  # a guard, so that importing this module (multiprocessing does) runs nothing
    entry()
